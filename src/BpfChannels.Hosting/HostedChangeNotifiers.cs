using System.Diagnostics.Metrics;

namespace BpfChannels.Hosting;

/// <summary>
/// The host's change notifiers, one per change ring: every notified channel whose map's object has that ring shares
/// its notifier (a ring has one consumer). A channel acquires the notifier when it finds its ring and releases it once
/// it no longer uses it (it moved to another ring, or it closed); the last release disposes the notifier, so a ring
/// of a reloaded object is read until the last of its channels has moved to the new object's ring, and no longer.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class HostedChangeNotifiers(IMeterFactory? meterFactory) : IDisposable
{
    // By the ring's kernel id: a reloaded object that reuses a pinned ring gets the notifier already reading it (a
    // second one would take notices from the first). A running notifier holds the ring open, so its id stays its own.
    private readonly Dictionary<uint, Shared> _byRing = [];
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>How many notifiers are running (acquired and not yet released by all their channels).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byRing.Count;
            }
        }
    }

    /// <summary>The notifier of <paramref name="ring"/> (of the kernel map it is), created on first use; each call must be matched by one <see cref="Release"/>.</summary>
    /// <returns>The notifier (a <see cref="MapChangeNotifier"/>).</returns>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    /// <exception cref="ArgumentException">The maps are not a change ring and its lost counter.</exception>
    /// <exception cref="ObjectDisposedException">A map is disposed, or the notifiers are (the host has stopped).</exception>
    /// <exception cref="BpfException">Mapping the ring failed.</exception>
    public object Acquire(BpfMap ring, BpfMap lostCounter)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Notified map channels read a BPF ring buffer, which needs Linux.");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            uint id = ring.Id;
            if (!_byRing.TryGetValue(id, out Shared? shared))
            {
                // The notifier reads the lost counter through the map it is given and does not own it: the map of the
                // object that found the ring first would go with that object's reload, while a reused pinned ring's
                // notifier goes on. Its own descriptor of the same counter lives exactly as long as the notifier.
                ObjectDisposedException.ThrowIf(lostCounter.IsDisposed, lostCounter);
                BpfMap lost = lostCounter.IsInMemory ? lostCounter : BpfMap.OpenById(lostCounter.Id, BpfPinAccess.ReadOnly);
                try
                {
                    shared = new Shared(new MapChangeNotifier(ring, lost, meterFactory), ReferenceEquals(lost, lostCounter) ? null : lost);
                }
                catch
                {
                    if (!ReferenceEquals(lost, lostCounter))
                    {
                        lost.Dispose();
                    }

                    throw;
                }

                _byRing[id] = shared;
            }

            shared.Users++;
            return shared.Notifier;
        }
    }

    /// <summary>Gives back one <see cref="Acquire"/> of <paramref name="notifier"/>; the last one disposes it.</summary>
    /// <remarks>The channel must no longer use the notifier (its options name another one, or it is completed).</remarks>
    public void Release(object notifier)
    {
        Shared? last = null;
        lock (_lock)
        {
            foreach ((uint ring, Shared shared) in _byRing)
            {
                if (ReferenceEquals(shared.Notifier, notifier))
                {
                    if (--shared.Users == 0)
                    {
                        _byRing.Remove(ring);
                        last = shared;
                    }

                    break;
                }
            }
        }

        // Outside the lock: disposing joins the notifier's thread, which may be finishing a call into a channel.
        last?.Dispose();
    }

    /// <summary>Disposes every notifier still running (the host stops after every channel completed).</summary>
    public void Dispose()
    {
        Shared[] notifiers;
        lock (_lock)
        {
            _disposed = true;
            notifiers = [.. _byRing.Values];
            _byRing.Clear();
        }

        foreach (Shared notifier in notifiers)
        {
            notifier.Dispose();
        }
    }

    /// <summary>One ring's notifier, its users, and the lost counter's descriptor it owns.</summary>
    private sealed class Shared(IDisposable notifier, BpfMap? ownedLostCounter) : IDisposable
    {
        public IDisposable Notifier { get; } = notifier;

        public int Users { get; set; }

        public void Dispose()
        {
            Notifier.Dispose();
            ownedLostCounter?.Dispose();
        }
    }
}
