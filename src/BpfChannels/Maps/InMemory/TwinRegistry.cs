namespace BpfChannels;

/// <summary>
/// The process-wide ids of in-memory twins (what map-of-maps lookups return), held weakly: a twin nobody
/// disposed is not kept alive by its id, and the entries of collected twins are pruned as new ids are handed out.
/// </summary>
/// <remarks>Thread-safe. Pruning runs when the table has doubled since the last prune, so registering stays amortised O(1).</remarks>
internal static class TwinRegistry
{
    private const int MinimumPruneThreshold = 64;

    private static readonly Lock s_lock = new();
    private static readonly Dictionary<uint, WeakReference<InMemoryBpfMap>> s_maps = [];
    private static readonly List<uint> s_dead = [];
    private static uint s_nextId;
    private static int s_pruneAt = MinimumPruneThreshold;

    /// <summary>The number of entries in the table, live or not yet pruned.</summary>
    internal static int Count
    {
        get
        {
            lock (s_lock)
            {
                return s_maps.Count;
            }
        }
    }

    /// <summary>Whether the table still has an entry for <paramref name="id"/>, live or not yet pruned.</summary>
    internal static bool Contains(uint id)
    {
        lock (s_lock)
        {
            return s_maps.ContainsKey(id);
        }
    }

    /// <summary>Gives <paramref name="map"/> a new id.</summary>
    internal static uint Register(InMemoryBpfMap map)
    {
        lock (s_lock)
        {
            if (s_maps.Count >= s_pruneAt)
            {
                PruneLocked();
            }

            uint id = ++s_nextId;
            s_maps.Add(id, new WeakReference<InMemoryBpfMap>(map));
            return id;
        }
    }

    /// <summary>Removes the id of a disposed twin.</summary>
    internal static void Unregister(uint id)
    {
        lock (s_lock)
        {
            _ = s_maps.Remove(id);
        }
    }

    /// <summary>The live, undisposed twin with id <paramref name="id"/>, or <see langword="null"/>.</summary>
    internal static InMemoryBpfMap? Find(uint id)
    {
        lock (s_lock)
        {
            return s_maps.TryGetValue(id, out WeakReference<InMemoryBpfMap>? weak) && weak.TryGetTarget(out InMemoryBpfMap? map) && !map.IsDisposed ? map : null;
        }
    }

    /// <summary>Drops the entries of collected twins now (tests call this after a collection).</summary>
    internal static void Prune()
    {
        lock (s_lock)
        {
            PruneLocked();
        }
    }

    private static void PruneLocked()
    {
        foreach ((uint id, WeakReference<InMemoryBpfMap> weak) in s_maps)
        {
            if (!weak.TryGetTarget(out _))
            {
                s_dead.Add(id);
            }
        }

        foreach (uint id in s_dead)
        {
            _ = s_maps.Remove(id);
        }

        s_dead.Clear();
        s_pruneAt = Math.Max(MinimumPruneThreshold, s_maps.Count * 2);
    }
}
