using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using BpfChannels;

namespace KernelDashboard;

/// <summary>A map channel's list-then-watch stream as server-sent events for one page.</summary>
internal static class ChangeStream
{
    /// <summary>The event that tells the page the stream ended on purpose, so it does not reconnect.</summary>
    public const string EndEvent = "end";

    /// <summary>The event carrying one <see cref="DashboardEvent"/>.</summary>
    public const string ChangeEvent = "change";

    /// <summary>
    /// The channel's current entries as <c>added</c> events, then every change, until the page goes away, the channel
    /// completes or the application stops; in the last two cases an <see cref="EndEvent"/> follows, so a shutting-down
    /// server finishes every open stream instead of waiting for the browser to hang up.
    /// </summary>
    public static async IAsyncEnumerable<SseItem<string>> ReadAsync(
        MapChannel<uint, ulong> channel,
        CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken aborted = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, aborted);
        IAsyncEnumerator<MapChange<uint, ulong>> changes = channel.WatchAsync(cancellationToken: linked.Token).GetAsyncEnumerator(linked.Token);
        string reason = "completed";
        try
        {
            while (true)
            {
                bool next;
                try
                {
                    next = await changes.MoveNextAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (linked.IsCancellationRequested)
                {
                    reason = "shutdown";
                    next = false;
                }

                if (!next)
                {
                    break;
                }

                string json = JsonSerializer.Serialize(DashboardEvent.From(changes.Current), DashboardJsonContext.Default.DashboardEvent);
                yield return new SseItem<string>(json, ChangeEvent);
            }
        }
        finally
        {
            await changes.DisposeAsync().ConfigureAwait(false);
        }

        if (!aborted.IsCancellationRequested)
        {
            yield return new SseItem<string>(reason, EndEvent);
        }
    }
}
