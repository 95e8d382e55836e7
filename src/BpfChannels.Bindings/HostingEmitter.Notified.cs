using System.Linq;

namespace BpfChannels.Bindings;

/// <summary>
/// Notified channels through <c>Add&lt;Class&gt;()</c>: where the object declares the change ring (<c>BPFCHAN_CHANGES</c>),
/// a notified channel of the registration reads that object's ring, not the first hosted object's with the same name;
/// where it does not, a notified channel fails start-up saying so instead of running polled with a warning.
/// </summary>
internal sealed partial class HostingEmitter
{
    internal const string ChangeRing = "bpfchan_changes";
    internal const string LostCounter = "bpfchan_lost";

    private bool HasChangeRing => _maps.Any(m => m.Map.Name == ChangeRing) && _maps.Any(m => m.Map.Name == LostCounter);

    private string NotifiedRegistration() => HasChangeRing
        ? $"{DI}OptionsServiceCollectionExtensions.PostConfigure<{H}BpfChannelsOptions>(services, o => NotifiedChannels.UseOwnRing(o, objectName, channels));"
        : $"{DI}ServiceCollectionServiceExtensions.AddSingleton<{Opt}IValidateOptions<{H}BpfChannelsOptions>>(services, new NotifiedValidator(channels.ToArray()));";

    private void EmitNotified()
    {
        Append($$"""
                /// <summary>Which of this registration's channels are notified, and the change ring they read.</summary>
                private static class NotifiedChannels
                {
                    internal static bool IsNotified({{H}}BpfMapChannelOptions map) => (map.Mode ?? map.Channel?.Mode) == {{B}}MapChannelMode.Notified;
            """);
        if (HasChangeRing)
        {
            Append($$"""

                    // The ring's default name, qualified with this object's name: found in this object even where another
                    // hosted object declares a change ring too. A name set in code or configuration is left as it is.
                    internal static void UseOwnRing({{H}}BpfChannelsOptions options, string objectName, global::System.Collections.Generic.List<string> channels)
                    {
                        foreach (string channel in channels)
                        {
                            if (options.Maps.TryGetValue(channel, out {{H}}BpfMapChannelOptions? map) && IsNotified(map))
                            {
                                if (map.ChangeRing == {{Naming.Literal(ChangeRing)}})
                                {
                                    map.ChangeRing = objectName + {{Naming.Literal("/" + ChangeRing)}};
                                }

                                if (map.ChangeLostCounter == {{Naming.Literal(LostCounter)}})
                                {
                                    map.ChangeLostCounter = objectName + {{Naming.Literal("/" + LostCounter)}};
                                }
                            }
                        }
                    }
            """);
        }

        Append("    }");
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
                            if (options.Maps.TryGetValue(channel, out {{H}}BpfMapChannelOptions? map) && NotifiedChannels.IsNotified(map) && map.ChangeRing == {{Naming.Literal(ChangeRing)}})
                            {
                                failures.Add("Maps:" + channel + " is Notified, but " + ObjectFileName + " declares no change ring ({{ChangeRing}}): add BPFCHAN_CHANGES(bytes) to its source and write the map with bpfchan_update, bpfchan_delete or bpfchan_touch (bpfchannels_notify.h), or leave the channel polled.");
                            }
                        }

                        return failures.Count == 0 ? {{Opt}}ValidateOptionsResult.Success : {{Opt}}ValidateOptionsResult.Fail(failures);
                    }
                }
            """);
    }
}
