namespace BpfChannels.Hosting;

/// <summary>Where a hosted map channel is in its map's life.</summary>
internal enum HostedMapChannelPhase
{
    /// <summary>The map was not there at start-up; looked for with backoff.</summary>
    Waiting,

    /// <summary>Reading its map (or idle, when nobody subscribes).</summary>
    Polling,

    /// <summary>The map is there but polls fail; retried with backoff.</summary>
    Failing,

    /// <summary>The map went away (disposed, its object reloaded); reopened from its source with backoff.</summary>
    Reopening,

    /// <summary>The channel is completed; nothing more happens.</summary>
    Stopped,
}
