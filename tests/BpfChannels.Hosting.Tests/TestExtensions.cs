using System.Threading.Channels;

namespace BpfChannels.Hosting.Tests;

internal static class TestExtensions
{
    /// <summary>Reads the next item; the timeout only turns a bug into a failure instead of a hang.</summary>
    public static Task<T> NextAsync<T>(this ChannelReader<T> reader)
        => reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(HostFixture.Patience, TestContext.Current.CancellationToken);

    /// <summary>Every poll attempt of a hosted channel, as it finishes (null for success, the exception for failure).</summary>
    public static ChannelReader<Exception?> WatchPolls(this MapChannelState state)
    {
        var attempts = Channel.CreateUnbounded<Exception?>();
        state.PollFinished += (_, error) => attempts.Writer.TryWrite(error);
        return attempts.Reader;
    }
}
