using BpfChannels.Events;

namespace BpfChannels.Tests.Events;

/// <summary>The epoll loop's own behaviour: waking, cancelling and disposing, with no buffer registered.</summary>
public sealed class EventLoopTests
{
    [Fact]
    public void Run_CancelledFromAnotherThread_ReturnsWithoutRecords()
    {
        using var loop = new EventLoop();
        using var cts = new CancellationTokenSource();
        long result = -1;
        var thread = new Thread(() => result = loop.Run(cts.Token));
        thread.Start();

        cts.CancelAfter(TimeSpan.FromMilliseconds(20));

        Assert.True(thread.Join(Polling.Deadline), "Run did not return after cancellation");
        Assert.Equal(0, result);
    }

    [Fact]
    public void PollOnce_WokenFromAnotherThread_ReturnsBeforeTimeout()
    {
        using var loop = new EventLoop();
        loop.Wake();

        long started = Environment.TickCount64;
        Assert.Equal(0, loop.PollOnce(Polling.Deadline));

        Assert.True(Environment.TickCount64 - started < Polling.Deadline.TotalMilliseconds / 2);
    }

    [Fact]
    public void PollOnce_AfterDispose_ThrowsObjectDisposed()
    {
        var loop = new EventLoop();
        loop.Dispose();

        Assert.Throws<ObjectDisposedException>(() => loop.PollOnce(TimeSpan.Zero));
        Assert.Throws<ObjectDisposedException>(() => loop.Run(CancellationToken.None));
    }
}
