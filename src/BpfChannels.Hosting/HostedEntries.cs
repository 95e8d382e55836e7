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
    /// <returns>The new entry.</returns>
    /// <exception cref="KeyNotFoundException">Nothing of this kind has that name.</exception>
    /// <exception cref="ObjectDisposedException">The entries are closed.</exception>
    /// <exception cref="InvalidOperationException">Called from <paramref name="replacing"/> of a reopen of the same name.</exception>
    /// <remarks>
    /// Reopens of one name run one after another, each from its open to its close, so <paramref name="replacing"/> sees
    /// the replacements in the order they happened: a reopen that finds another in progress waits for it
    /// (<see cref="ReopenQueued"/>). Only reopens of that name wait: the entries lock is not held while the new entry
    /// opens or <paramref name="replacing"/> runs, so a handler may look entries up, from any thread.
    /// </remarks>
    public TEntry Reopen(string name, Action<TEntry, TEntry>? replacing = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        int i = Array.FindIndex(Registrations, r => r.Name == name);
        if (i < 0)
        {
            _ = GetRegistration(name); // throws, naming the registered ones
        }

        Lock gate = _reopening[i];
        if (gate.IsHeldByCurrentThread)
        {
            throw new InvalidOperationException($"The {_kind} '{name}' is being replaced on this thread already: a handler of its replacement must not replace it again.");
        }

        if (!gate.TryEnter())
        {
            ReopenQueued?.Invoke(name);
            gate.Enter();
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

                TEntry[] replaced = [.. _entries];
                replaced[i] = entry;
                _byName![name] = entry;
                Volatile.Write(ref _entries, replaced);
            }

            try
            {
                replacing?.Invoke(old, entry);
            }
            finally
            {
                _close(old);
            }

            return entry;
        }
        finally
        {
            gate.Exit();
        }
    }

    /// <summary>Raised (with the name) when a <see cref="Reopen"/> has to wait for another reopen of the same name to finish.</summary>
    internal event Action<string>? ReopenQueued;

    /// <summary>The registration named <paramref name="name"/>, without opening anything.</summary>
    /// <exception cref="KeyNotFoundException">Nothing of this kind has that name.</exception>
    public TRegistration GetRegistration(string name)
        => Array.Find(Registrations, r => r.Name == name) ?? throw new KeyNotFoundException($"No {_kind} named '{name}' is registered.");

    /// <summary>
    /// Closes every opened entry, in reverse order, once; later <see cref="Open"/> calls throw. A reopen in progress
    /// finishes first (its new entry is among those closed), and one that had not yet opened its entry throws.
    /// </summary>
    public void Close()
    {
        TEntry[] entries;
        foreach (Lock gate in _reopening)
        {
            gate.Enter();
        }

        try
        {
            lock (_lock)
            {
                if (_closed)
                {
                    return;
                }

                _closed = true;
                entries = _entries;
            }
        }
        finally
        {
            foreach (Lock gate in _reopening)
            {
                gate.Exit();
            }
        }

        for (int i = entries.Length - 1; i >= 0; i--)
        {
            _close(entries[i]);
        }
    }
}
