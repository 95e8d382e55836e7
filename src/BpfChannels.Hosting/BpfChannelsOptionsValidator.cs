using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting;

/// <summary>Checks <see cref="BpfChannelsOptions"/> at start-up, naming every bad value.</summary>
internal sealed class BpfChannelsOptionsValidator(IEnumerable<MapChannelRegistration> registrations) : IValidateOptions<BpfChannelsOptions>
{
    public ValidateOptionsResult Validate(string? name, BpfChannelsOptions options)
    {
        var failures = new List<string>();
        if (options.DefaultPollInterval <= TimeSpan.Zero)
        {
            failures.Add($"DefaultPollInterval must be positive (got {options.DefaultPollInterval}).");
        }

        if (options.MaxRetryDelay <= TimeSpan.Zero)
        {
            failures.Add($"MaxRetryDelay must be positive (got {options.MaxRetryDelay}).");
        }

        if (options.StaleAfterIntervals < 1)
        {
            failures.Add($"StaleAfterIntervals must be at least 1 (got {options.StaleAfterIntervals}).");
        }

        if (options.UnhealthyAfterFailures < 1)
        {
            failures.Add($"UnhealthyAfterFailures must be at least 1 (got {options.UnhealthyAfterFailures}).");
        }

        if (options.PinCheckInterval <= TimeSpan.Zero)
        {
            failures.Add($"PinCheckInterval must be positive (got {options.PinCheckInterval}).");
        }

        var registered = new HashSet<string>(StringComparer.Ordinal);
        foreach (MapChannelRegistration registration in registrations)
        {
            registered.Add(registration.Name);
        }

        foreach ((string map, BpfMapChannelOptions channel) in options.Maps)
        {
            if (!registered.Contains(map))
            {
                failures.Add($"Maps:{map} is configured but no channel is registered for it; call AddMapChannel<TKey, TValue>(\"{map}\") to give its key and value types.");
            }

            if (channel.PollInterval is { } interval && interval <= TimeSpan.Zero)
            {
                failures.Add($"Maps:{map}:PollInterval must be positive (got {interval}).");
            }

            try
            {
                // The notifier is the host's to create, so the channel options are checked as the host will apply them.
                _ = channel.Channel ?? throw new ArgumentNullException(nameof(channel.Channel));
                MapChannelOptions effective = channel.Effective(notifier: null);
                if (channel.ReconcileInterval is { } own && own <= TimeSpan.Zero)
                {
                    // Reported once, under its own key, below; the channel's own value is still checked here.
                    effective.ReconcileInterval = channel.Channel.ReconcileInterval;
                }

                effective.Validate();
            }
            catch (ArgumentException e)
            {
                failures.Add($"Maps:{map}:Channel: {e.Message}");
            }

            if (channel.Mode is { } mode && !Enum.IsDefined(mode))
            {
                failures.Add($"Maps:{map}:Mode must be Polled or Notified (got {mode}).");
            }

            if (channel.ReconcileInterval is { } reconcile && reconcile <= TimeSpan.Zero)
            {
                failures.Add($"Maps:{map}:ReconcileInterval must be positive (got {reconcile}).");
            }

            if (channel.IsNotified && (string.IsNullOrWhiteSpace(channel.ChangeRing) || string.IsNullOrWhiteSpace(channel.ChangeLostCounter)))
            {
                failures.Add($"Maps:{map} is Notified, so ChangeRing and ChangeLostCounter must name the object's change ring and lost counter (by default {BpfMapChannelOptions.DefaultChangeRing} and {BpfMapChannelOptions.DefaultChangeLostCounter}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
