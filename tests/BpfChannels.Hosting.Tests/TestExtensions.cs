using System.Threading.Channels;

namespace BpfChannels.Hosting.Tests;

internal static class TestExtensions
{
    /// <summary>Reads the next item; the timeout only turns a bug into a failure instead of a hang.</summary>
    public static Task<T> NextAsync<T>(this ChannelReader<T> reader)
        => reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);

    /// <summary>Waits (in real time) until <paramref name="condition"/> holds; the timeout only turns a bug into a failure.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + HostFixture.Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Reads <paramref name="count"/> changes and returns them ordered by key, for polls whose order the map decides.</summary>
    public static async Task<MapChange<uint, ulong>[]> NextAsync(this ChannelReader<MapChange<uint, ulong>> reader, int count)
    {
        var changes = new MapChange<uint, ulong>[count];
        for (int i = 0; i < count; i++)
        {
            changes[i] = await reader.NextAsync();
        }

        return [.. changes.OrderBy(c => c.Key)];
    }

    /// <summary>Every step of a hosted channel (a poll, a look for its map), as it finishes (null unless a poll threw).</summary>
    public static ChannelReader<Exception?> WatchPolls(this HostedMapChannel state)
    {
        var attempts = Channel.CreateUnbounded<Exception?>();
        state.StepFinished += (_, error) => attempts.Writer.TryWrite(error);
        return attempts.Reader;
    }
}
