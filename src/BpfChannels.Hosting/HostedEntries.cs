namespace BpfChannels.Hosting;

/// <summary>
/// The one registry design of the host: registrations of one kind, each opened once (all together, in registration
/// order, undone if one fails), found by name, closed together.
/// </summary>
/// <typeparam name="TRegistration">The registration type.</typeparam>
/// <typeparam name="TEntry">What opening a registration gives.</typeparam>
/// <remarks>
/// Thread-safe: opening and closing take a lock; <see cref="Opened"/> does not. Reopens of one registration are
/// serialized (see <see cref="Reopen"/>), without holding the lock that lookups take.
/// </remarks>
internal sealed class HostedEntries<TRegistration, TEntry>
    where TRegistration : class, IHostedRegistration
    where TEntry : class
{
    private readonly string _kind;
    private readonly Func<TRegistration, TEntry> _open;
    private readonly Action<TEntry> _close;
    private readonly Lock _lock = new();
    private Dictionary<string, TEntry>? _byName;
    private readonly Lock[] _reopening;
    private TEntry[] _entries = [];
    private bool _closed;

    /// <param name="kind">What a registration is, for messages ("map channel").</param>
    /// <param name="registrations">The registrations, in order.</param>
    /// <param name="open">Opens one registration.</param>
    /// <param name="close">Undoes <paramref name="open"/> when a later registration fails, and at <see cref="Close"/>.</param>
    public HostedEntries(string kind, IEnumerable<TRegistration> registrations, Func<TRegistration, TEntry> open, Action<TEntry> close)
    {
        _kind = kind;
        Registrations = [.. registrations];
        _reopening = Array.ConvertAll(Registrations, _ => new Lock());
        _runner = new int[Registrations.Length];
        _open = open;
        _close = close;
    }

    public TRegistration[] Registrations { get; }

    /// <summary>The entries opened so far (none before <see cref="Open"/> succeeds); never opens.</summary>
    public TEntry[] Opened => Volatile.Read(ref _entries);

    /// <summary>Opens every registration once; later calls return the same entries.</summary>
    /// <exception cref="ObjectDisposedException">The entries are closed (the host has stopped).</exception>
    public TEntry[] Open()
    {
        lock (_lock)
        {
            if (_closed)
            {
                throw new ObjectDisposedException($"{_kind}s", $"The host's {_kind}s are closed: the host has stopped.");
            }

            if (_byName is not null)
            {
                return _entries;
            }

            var byName = new Dictionary<string, TEntry>(StringComparer.Ordinal);
            var entries = new List<TEntry>(Registrations.Length);
            try
            {
                foreach (TRegistration registration in Registrations)
                {
                    TEntry entry = _open(registration);
                    entries.Add(entry);
                    byName.Add(registration.Name, entry);
                }
            }
            catch
            {
                for (int i = entries.Count - 1; i >= 0; i--)
                {
                    _close(entries[i]);
                }

                throw;
            }

            Volatile.Write(ref _entries, [.. entries]);
            _byName = byName;
            return _entries;
        }
    }

    /// <summary>The entry registered as <paramref name="name"/>, opening every registration first if needed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="KeyNotFoundException">Nothing of this kind has that name; the message lists the names there are.</exception>
    public TEntry Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Open();
        return _byName!.TryGetValue(name, out TEntry? entry)
            ? entry
            : throw new KeyNotFoundException($"No {_kind} named '{name}' is registered (registered: {(Registrations.Length == 0 ? "none" : string.Join(", ", Registrations.Select(r => r.Name)))}).");
    }

    /// <summary>
    /// Opens the registration <paramref name="name"/> again and closes the entry it replaces (after the new one is in
    /// place, so a failed reopen leaves the old entry as it was).
    /// </summary>
    /// <param name="name">The registration's name.</param>
    /// <param name="replacing">
    /// Runs once the new entry is in place and before the old one is closed (with the old and the new entry), so those
    /// who hold the old one can move to the new one while the old is still usable; the old entry is closed even if it
    /// throws, and its exception then leaves this method.
    /// </param>
    /// <param name="replaced">
    /// Runs after the old entry is closed, still before another reopen of the name starts (with the old and the new
    /// entry), for what must move only once the old entry is gone; it runs even if <paramref name="replacing"/> threw.
    /// </param>
    /// <returns>The new entry.</returns>
    /// <exception cref="KeyNotFoundException">Nothing of this kind has that name.</exception>
    /// <exception cref="ObjectDisposedException">The entries are closed.</exception>
    /// <exception cref="InvalidOperationException">
    /// Called from <paramref name="replacing"/> of a reopen of the same name, or waiting would close a cycle: the reopen
    /// this one would wait for is itself waiting, through other reopens, for one this thread is running.
    /// </exception>
    /// <remarks>
    /// Reopens of one name run one after another, each from its open to its close, so <paramref name="replacing"/> sees
    /// the replacements in the order they happened: a reopen that finds another in progress waits for it
    /// (<see cref="ReopenQueued"/>). Only reopens of that name wait: the entries lock is not held while the new entry
    /// opens or <paramref name="replacing"/> runs, so a handler may look entries up, from any thread, and reopen other
    /// names. Two handlers that reopen each other's names (a's handler reopens b while b's reopens a) would wait for each
    /// other forever; the second to wait throws instead. Waits through anything else (a handler blocked on a signal that
    /// another reopen's handler sets) are not seen.
    /// </remarks>
    public TEntry Reopen(string name, Action<TEntry, TEntry>? replacing = null, Action<TEntry, TEntry>? replaced = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        int i = Array.FindIndex(Registrations, r => r.Name == name);
        if (i < 0)
        {
            _ = GetRegistration(name); // throws, naming the registered ones
        }

        if (_reopening[i].IsHeldByCurrentThread)
        {
            throw new InvalidOperationException($"The {_kind} '{name}' is being replaced on this thread already: a handler of its replacement must not replace it again.");
        }

        if (!EnterReopen(i, out string? cycle))
        {
            throw new InvalidOperationException($"Replacing the {_kind} '{name}' would wait forever: {cycle}. Handlers of two replacements must not replace each other's {_kind}s.");
        }

        try
        {
            TEntry old = Open()[i];
            TEntry entry = _open(Registrations[i]);
            lock (_lock)
            {
                if (_closed)
                {
                    _close(entry);
                    throw new ObjectDisposedException($"{_kind}s", $"The host's {_kind}s are closed: the host has stopped.");
                }

                TEntry[] swapped = [.. _entries];
                swapped[i] = entry;
                _byName![name] = entry;
                Volatile.Write(ref _entries, swapped);
            }

            List<Exception>? failures = null;
            if (replacing is not null)
            {
                HostedFailures.Run(() => replacing(old, entry), ref failures);
            }

            _close(old);
            if (replaced is not null)
            {
                HostedFailures.Run(() => replaced(old, entry), ref failures);
            }

            HostedFailures.ThrowIfAny(failures, $"Replacing the {_kind} '{name}' failed.");

            return entry;
        }
        finally
        {
            ExitReopen(i);
        }
    }

    // Who runs each name's reopen, and which name each waiting thread waits for: the wait-for graph, so a wait that
    // would close a cycle is refused instead of hanging. Kept under its own lock (not _lock, which Open holds while it
    // loads everything).
    private readonly Lock _waits = new();
    private readonly int[] _runner;
    private readonly Dictionary<int, int> _waitingFor = [];

    /// <summary>Enters the reopen lock of registration <paramref name="i"/>; <see langword="false"/> (and the cycle) when waiting would never end.</summary>
    private bool EnterReopen(int i, out string? cycle)
    {
        cycle = null;
        Lock gate = _reopening[i];
        int me = Environment.CurrentManagedThreadId;
        if (!gate.TryEnter())
        {
            lock (_waits)
            {
                var path = new List<string> { Registrations[i].Name };
                for (int name = i, runner = _runner[name]; runner != 0; runner = _runner[name])
                {
                    if (runner == me)
                    {
                        cycle = $"this thread runs the replacement of '{Registrations[name].Name}', which the wait for {string.Join(" -> ", path)} comes back to";
                        return false;
                    }

                    if (!_waitingFor.TryGetValue(runner, out name))
                    {
                        break;
                    }

                    path.Add(Registrations[name].Name);
                }

                _waitingFor[me] = i;
            }

            ReopenQueued?.Invoke(Registrations[i].Name);
            try
            {
                gate.Enter();
            }
            finally
            {
                lock (_waits)
                {
                    _ = _waitingFor.Remove(me);
                }
            }
        }

        lock (_waits)
        {
            _runner[i] = me;
        }

        return true;
    }

    private void ExitReopen(int i)
    {
        lock (_waits)
        {
            _runner[i] = 0;
        }

        _reopening[i].Exit();
    }

    /// <summary>Raised (with the name) when a <see cref="Reopen"/>, or <see cref="Close"/>, has to wait for a reopen of that name to finish.</summary>
    internal event Action<string>? ReopenQueued;

    /// <summary>The registration named <paramref name="name"/>, without opening anything.</summary>
    /// <exception cref="KeyNotFoundException">Nothing of this kind has that name.</exception>
    public TRegistration GetRegistration(string name)
        => Array.Find(Registrations, r => r.Name == name) ?? throw new KeyNotFoundException($"No {_kind} named '{name}' is registered.");

    /// <summary>
    /// Closes every opened entry, in reverse order, once; later <see cref="Open"/> and <see cref="Reopen"/> calls throw
    /// <see cref="ObjectDisposedException"/>. A reopen in progress finishes first (its new entry is among those closed),
    /// and one that had not yet put its entry in place throws.
    /// </summary>
    /// <remarks>
    /// The entries are marked closed first, then each name's reopen in progress is waited out in turn, holding none of
    /// the others: a reopen whose handler reopens another name then finds the entries closed instead of waiting for this
    /// call, which would be waiting for it.
    /// </remarks>
    public void Close()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        for (int i = 0; i < _reopening.Length; i++)
        {
            // From a handler of a reopen (the host stopped inside it), that reopen cannot be waited for; nor one that
            // waits, through other reopens, for it. Its entries are closed here all the same (closing twice is harmless).
            if (!_reopening[i].IsHeldByCurrentThread && EnterReopen(i, out _))
            {
                ExitReopen(i);
            }
        }

        // Reopens that put their entry in place before the entries were marked closed have all finished now.
        TEntry[] entries = Volatile.Read(ref _entries);
        for (int i = entries.Length - 1; i >= 0; i--)
        {
            _close(entries[i]);
        }
    }
}
