namespace BpfChannels;

/// <summary>Turns a full read of a map into the channel's state (a per-CPU map's values into one value per key).</summary>
internal abstract class SnapshotProjection
{
    /// <summary>Fills <paramref name="target"/> from <paramref name="raw"/>, reusing its buffers.</summary>
    public abstract void Project(BpfMapSnapshot raw, BpfMapSnapshot target);
}
