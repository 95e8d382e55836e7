using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting;

/// <summary>
/// Reports map channels whose polls fail (the registration's failure status) or go stale (degraded: observed but
/// without a successful poll for <see cref="BpfChannelsOptions.StaleAfterIntervals"/> intervals).
/// </summary>
internal sealed class BpfChannelsHealthCheck(BpfChannelRegistry registry, IOptions<BpfChannelsOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = time.GetUtcNow();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var failing = new List<string>();
        var stale = new List<string>();
        foreach (MapChannelState state in registry.Open())
        {
            (DateTimeOffset lastSuccess, int failures, Exception? error) = state.Read();
            TimeSpan since = now - lastSuccess;
            if (failures > 0)
            {
                failing.Add(state.Name);
                data[state.Name] = $"failing: {failures} polls in a row, last: {error?.Message}";
            }
            else if (state.Channel.IsObserved && since > state.Interval * options.Value.StaleAfterIntervals)
            {
                stale.Add(state.Name);
                data[state.Name] = $"stale: no successful poll for {since}";
            }
            else
            {
                data[state.Name] = state.Channel.IsObserved ? "polling" : "idle (no subscribers)";
            }
        }

        HealthCheckResult result = failing.Count > 0
            ? new HealthCheckResult(context.Registration.FailureStatus, $"Polls fail for map(s) {string.Join(", ", failing)}.", data: data)
            : stale.Count > 0
                ? HealthCheckResult.Degraded($"Polls are stale for map(s) {string.Join(", ", stale)}.", data: data)
                : HealthCheckResult.Healthy($"{data.Count} map channel(s) polling normally.", data);
        return Task.FromResult(result);
    }
}
