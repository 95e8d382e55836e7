namespace BpfChannels.Tests.Support;

/// <summary>Counts this process's open descriptors, to prove that every fd a test opens is closed again.</summary>
public static class FdCount
{
    public static int Current() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>
    /// Runs <paramref name="action"/> and asserts the descriptor count is unchanged afterwards. Tests that use
    /// it are in the <see cref="FdSensitiveCollection"/>, which runs alone, so no other test opens descriptors meanwhile.
    /// </summary>
    /// <remarks>
    /// The collection keeps other tests from starting meanwhile, but not an earlier test's resources from closing
    /// late (an event loop thread that closes its epoll descriptor after its owner was disposed), so the count is
    /// read once it has held still for a while, before and after. A real leak never comes back down, so waiting
    /// for the count to settle cannot hide one.
    /// </remarks>
    public static void AssertNoLeak(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int before = Settled();
        action();
        int after = Settled();
        Assert.Equal(before, after);
    }

    /// <summary>The descriptor count once it has not changed for 100 ms (at most 3 s of waiting).</summary>
    public static int Settled()
    {
        long deadline = Environment.TickCount64 + 3000;
        int count = Current();
        long stableSince = Environment.TickCount64;
        while (Environment.TickCount64 - stableSince < 100 && Environment.TickCount64 < deadline)
        {
            Thread.Sleep(20);
            int now = Current();
            if (now != count)
            {
                count = now;
                stableSince = Environment.TickCount64;
            }
        }

        return count;
    }
}

/// <summary>Tests that count descriptors run with nothing else in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FdSensitiveCollection
{
    public const string Name = "fd-sensitive";
}
