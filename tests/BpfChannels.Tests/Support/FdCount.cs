namespace BpfChannels.Tests.Support;

/// <summary>Counts this process's open descriptors, to prove that every fd a test opens is closed again.</summary>
public static class FdCount
{
    public static int Current() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>
    /// Runs <paramref name="action"/> and asserts the descriptor count is unchanged afterwards. Tests that use
    /// it are in the <see cref="FdSensitiveCollection"/>, which runs alone, so no other test opens descriptors meanwhile.
    /// </summary>
    public static void AssertNoLeak(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        int before = Current();
        action();
        int after = Current();
        Assert.Equal(before, after);
    }
}

/// <summary>Tests that count descriptors run with nothing else in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FdSensitiveCollection
{
    public const string Name = "fd-sensitive";
}
