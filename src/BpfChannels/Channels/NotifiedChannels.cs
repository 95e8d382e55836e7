using System.Text;

namespace BpfChannels;

/// <summary>What a <see cref="MapChangeNotifier"/> needs from a notified channel, whatever its key and value types.</summary>
/// <remarks>Every member but <see cref="NoticeTag"/> and <see cref="ReconcileWanted"/> is called on the notifier's thread only.</remarks>
internal interface INotifiedChannel
{
    /// <summary>The tag of the channel's map, or <see langword="null"/> while it has none.</summary>
    uint? NoticeTag { get; }

    /// <summary>Whether the channel wants a full read now (its reconcile interval passed, or a notice it could not use); it calls <see cref="INotifierLink.Wake"/> when this turns true.</summary>
    bool ReconcileWanted { get; }

    /// <summary>One notice for the channel's map: remembers the key until <see cref="ApplyNotices"/>.</summary>
    void OnNotice(byte kind, ReadOnlySpan<byte> key);

    /// <summary>Looks up the keys noticed since the last call and delivers what changed.</summary>
    void ApplyNotices();

    /// <summary>The program lost notices: reconciles at once.</summary>
    void OnNoticesLost();

    /// <summary>Reads the whole map and delivers what the notices missed.</summary>
    void Reconcile();
}

/// <summary>What a notified channel needs from its <see cref="MapChangeNotifier"/> (an interface, so channels stay platform-neutral).</summary>
internal interface INotifierLink
{
    /// <summary>Starts handing <paramref name="channel"/> the notices of its tag.</summary>
    void Attach(INotifiedChannel channel);

    /// <summary>Stops handing <paramref name="channel"/> notices.</summary>
    void Detach(INotifiedChannel channel);

    /// <summary>Re-reads every attached channel's tag.</summary>
    void Retag();

    /// <summary>Wakes the notifier's thread, so it reconciles the channels that want it.</summary>
    void Wake();
}

/// <summary>The notice tag, shared by the BPF side (<c>BPFCHAN_TAG</c>) and the user side.</summary>
internal static class NotifiedChannels
{
    /// <summary>32-bit FNV-1a of at most the first 15 UTF-8 bytes of <paramref name="mapName"/> (the kernel keeps 15).</summary>
    public static uint Tag(string mapName)
    {
        ArgumentNullException.ThrowIfNull(mapName);
        Span<byte> name = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(mapName.Length, 15))];
        int length = Math.Min(Encoding.UTF8.GetBytes(mapName.AsSpan(0, Math.Min(mapName.Length, 15)), name), 15);
        uint hash = 2166136261u;
        foreach (byte b in name[..length])
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
