using BpfChannels.Events;

namespace BpfChannels.Tests.Events;

internal static class Polling
{
    /// <summary>A bound on how long a test waits for the kernel, so a lost wakeup fails the test instead of hanging it.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="loop"/> until <paramref name="done"/> holds or <see cref="Deadline"/> passes.</summary>
    public static void Until(EventLoop loop, Func<bool> done)
    {
        long deadline = Environment.TickCount64 + (long)Deadline.TotalMilliseconds;
        while (!done() && Environment.TickCount64 < deadline)
        {
            loop.PollOnce(TimeSpan.FromMilliseconds(100));
        }
    }
}
