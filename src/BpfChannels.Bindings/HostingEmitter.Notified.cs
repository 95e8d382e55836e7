using System.Linq;

namespace BpfChannels.Bindings;

/// <summary>
/// Notified channels through <c>Add&lt;Class&gt;()</c>: where the object declares the change ring (<c>BPFCHAN_CHANGES</c>),
/// its notified channels need nothing more (the hosting layer reads the ring of the object that holds a channel's map);
/// where it does not, a notified channel fails start-up saying so instead of running polled with a warning.
/// </summary>
internal sealed partial class HostingEmitter
{
    // The names BPFCHAN_CHANGES declares, to find in the object's BTF; the generated code uses the hosting layer's.
    internal const string ChangeRing = "bpfchan_changes";
    internal const string LostCounter = "bpfchan_lost";

    private bool HasChangeRing => _maps.Any(m => m.Map.Name == ChangeRing) && _maps.Any(m => m.Map.Name == LostCounter);

    private string NotifiedRegistration() => HasChangeRing
        ? "// the object declares the change ring: its notified channels read it (the hosting layer looks in the map's own object first)"
        : $"{DI}ServiceCollectionServiceExtensions.AddSingleton<{Opt}IValidateOptions<{H}BpfChannelsOptions>>(services, new NotifiedValidator(channels.ToArray()));";

    private void EmitNotified()
    {
        if (HasChangeRing)
        {
            return;
        }

        Append($$"""
                /// <summary>Fails start-up for a notified channel of this object, which declares no change ring to notify it.</summary>
                private sealed class NotifiedValidator : {{Opt}}IValidateOptions<{{H}}BpfChannelsOptions>
                {
                    private readonly string[] _channels;

                    internal NotifiedValidator(string[] channels) => _channels = channels;

                    public {{Opt}}ValidateOptionsResult Validate(string? name, {{H}}BpfChannelsOptions options)
                    {
                        var failures = new global::System.Collections.Generic.List<string>();
                        foreach (string channel in _channels)
                        {
                            // A ring named in code or configuration may come from elsewhere (a pinned, shared ring); the default cannot.
                            if (options.Maps.TryGetValue(channel, out {{H}}BpfMapChannelOptions? map) && map.IsNotified && map.ChangeRing == {{H}}BpfMapChannelOptions.DefaultChangeRing)
                            {
                                failures.Add("Maps:" + channel + " is Notified, but " + ObjectFileName + " declares no change ring (" + {{H}}BpfMapChannelOptions.DefaultChangeRing + "): add BPFCHAN_CHANGES(bytes) to its source and write the map with bpfchan_update, bpfchan_delete or bpfchan_touch (bpfchannels_notify.h), or leave the channel polled.");
                            }
                        }

                        return failures.Count == 0 ? {{Opt}}ValidateOptionsResult.Success : {{Opt}}ValidateOptionsResult.Fail(failures);
                    }
                }
            """);
    }
}
