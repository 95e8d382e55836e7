using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting;

/// <summary>
/// Reports each map channel's place in its map's life, with the same words in the description as in the data:
/// <list type="bullet">
/// <item>Healthy: <c>polling</c>, or <c>idle (no subscribers)</c>.</item>
/// <item>Degraded: <c>waiting for its map</c> (not there yet), <c>reopening</c> (its map went away) or <c>failing</c>
/// (polls fail) for fewer than <see cref="BpfChannelsOptions.UnhealthyAfterFailures"/> attempts in a row; <c>stale</c>
/// (observed, no successful poll for <see cref="BpfChannelsOptions.StaleAfterIntervals"/> intervals); <c>pin changed</c>
/// (the pin is gone, the channel still reads the map it named).</item>
/// <item>The registration's failure status (Unhealthy by default): <c>reopening</c> or <c>failing</c> for that many attempts or more.</item>
/// </list>
/// </summary>
internal sealed class BpfChannelsHealthCheck(BpfChannelRegistry registry, IOptionsMonitor<BpfChannelsOptions> monitor, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        BpfChannelsOptions options;
        try
        {
            options = monitor.CurrentValue;
        }
        catch (OptionsValidationException e)
        {
            // The polling loops keep the last valid options; say why the new ones were not taken.
            return Task.FromResult(HealthCheckResult.Degraded($"The reloaded BpfChannels options are invalid and were not applied: {e.Message}"));
        }

        DateTimeOffset now = time.GetUtcNow();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var byState = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        HealthStatus worst = HealthStatus.Healthy;
        foreach (HostedMapChannel hosted in registry.Open())
        {
            (HealthStatus status, string state, string detail) = Describe(hosted, options, now, context.Registration.FailureStatus);
            data[hosted.Name] = detail.Length == 0 ? state : $"{state}: {detail}";
            if (!byState.TryGetValue(state, out List<string>? names))
            {
                byState[state] = names = [];
            }

            names.Add(hosted.Name);
            worst = status < worst ? status : worst;
        }

        string summary = byState.Count == 0
            ? "No map channels are registered."
            : $"{data.Count} map channel(s): {string.Join("; ", byState.Select(group => $"{group.Key}: {string.Join(", ", group.Value)}"))}.";
        return Task.FromResult(new HealthCheckResult(worst, summary, data: data));
    }

    private static (HealthStatus Status, string State, string Detail) Describe(HostedMapChannel hosted, BpfChannelsOptions options, DateTimeOffset now, HealthStatus failureStatus)
    {
        HostedMapChannelStatus s = hosted.Read();
        bool unhealthy = s.Attempts >= options.UnhealthyAfterFailures;
        switch (s.Phase)
        {
            case HostedMapChannelPhase.Waiting:
                return (HealthStatus.Degraded, "waiting for its map", $"{s.Problem} ({s.Attempts} looks so far)");
            case HostedMapChannelPhase.Reopening:
                return (unhealthy ? failureStatus : HealthStatus.Degraded, "reopening", $"{s.Problem}; {s.Attempts} attempts to reopen it from its source failed");
            case HostedMapChannelPhase.Failing:
                return (unhealthy ? failureStatus : HealthStatus.Degraded, "failing", $"{s.Attempts} polls in a row, last: {s.Problem}");
            case HostedMapChannelPhase.Stopped:
                return (HealthStatus.Healthy, "stopped", string.Empty);
        }

        TimeSpan since = now - s.LastSuccess;
        MapChannel channel = hosted.Channel;
        if (channel.IsObserved && since > options.GetPollInterval(hosted.Name) * options.StaleAfterIntervals)
        {
            return (HealthStatus.Degraded, "stale", $"no successful poll for {since}");
        }

        if (s.PinNote is { } note)
        {
            return (HealthStatus.Degraded, "pin changed", note);
        }

        return channel.IsObserved
            ? (HealthStatus.Healthy, "polling", $"map {s.MapId} from {s.Source}, {channel.SubscriberCount} subscriber(s)")
            : (HealthStatus.Healthy, "idle (no subscribers)", $"map {s.MapId} from {s.Source}");
    }
}
