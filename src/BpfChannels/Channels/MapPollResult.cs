namespace BpfChannels;

/// <summary>What one <see cref="MapChannel.Poll"/> did.</summary>
/// <param name="Polled">Whether the map was read (<see langword="false"/> when nobody subscribed and unobserved polling is off).</param>
/// <param name="Entries">The number of entries after the poll.</param>
/// <param name="Changes">The number of changes found.</param>
/// <param name="Strategy">How the map was read.</param>
public readonly record struct MapPollResult(bool Polled, int Entries, int Changes, BpfMapReadStrategy Strategy);
