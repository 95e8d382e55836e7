using System.Threading.Channels;

namespace BpfChannels.Hosting.Tests;

internal static class TestExtensions
{
    /// <summary>Reads the next item; the timeout only turns a bug into a failure instead of a hang.</summary>
    public static Task<T> NextAsync<T>(this ChannelReader<T> reader)
        => reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);

    /// <summary>Every step of a hosted channel (a poll, a look for its map), as it finishes (null unless a poll threw).</summary>
    public static ChannelReader<Exception?> WatchPolls(this HostedMapChannel state)
    {
        var attempts = Channel.CreateUnbounded<Exception?>();
        state.StepFinished += (_, error) => attempts.Writer.TryWrite(error);
        return attempts.Reader;
    }
}
