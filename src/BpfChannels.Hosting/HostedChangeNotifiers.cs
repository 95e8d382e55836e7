using System.Diagnostics.Metrics;

namespace BpfChannels.Hosting;

/// <summary>
/// The host's change notifiers, one per change ring: every notified channel whose map's object has that ring shares
/// its notifier (a ring has one consumer). Created when a channel first finds its ring, disposed with the registry.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class HostedChangeNotifiers(IMeterFactory? meterFactory) : IDisposable
{
    private readonly Dictionary<BpfMap, IDisposable> _byRing = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>The notifier of <paramref name="ring"/>, created on first use (a ring of a disposed map gets a fresh one).</summary>
    /// <returns>The notifier (a <see cref="MapChangeNotifier"/>).</returns>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    /// <exception cref="ArgumentException">The maps are not a change ring and its lost counter.</exception>
    /// <exception cref="BpfException">Mapping the ring failed.</exception>
    public object Get(BpfMap ring, BpfMap lostCounter)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Notified map channels read a BPF ring buffer, which needs Linux.");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (BpfMap gone in _byRing.Keys.Where(m => m.IsDisposed).ToList())
            {
                // The object that declared it was unloaded; its channels have moved on to the new object's ring.
                _byRing.Remove(gone, out IDisposable? stale);
                stale!.Dispose();
            }

            if (!_byRing.TryGetValue(ring, out IDisposable? notifier))
            {
                notifier = new MapChangeNotifier(ring, lostCounter, meterFactory);
                _byRing[ring] = notifier;
            }

            return notifier;
        }
    }

    public void Dispose()
    {
        IDisposable[] notifiers;
        lock (_lock)
        {
            _disposed = true;
            notifiers = [.. _byRing.Values];
            _byRing.Clear();
        }

        foreach (IDisposable notifier in notifiers)
        {
            notifier.Dispose();
        }
    }
}
