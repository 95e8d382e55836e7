namespace BpfChannels.Hosting;

/// <summary>The data of <see cref="BpfObjectHost.Reloaded"/>: which object was loaded again, the old and the new one.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BpfObjectReloadedEventArgs : EventArgs
{
    internal BpfObjectReloadedEventArgs(string name, BpfObject previous, BpfObject current)
    {
        Name = name;
        Previous = previous;
        Current = current;
    }

    /// <summary>The object's registration name.</summary>
    public string Name { get; }

    /// <summary>The object being replaced: still open while the handlers run, disposed right after.</summary>
    public BpfObject Previous { get; }

    /// <summary>The newly loaded object, which <see cref="BpfObjectHost.GetObject"/> now returns.</summary>
    public BpfObject Current { get; }
}
