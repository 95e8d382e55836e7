namespace BpfChannels.Benchmarks.Paired;

/// <summary>
/// The rounds of a paired benchmark: each round times every path once (<see cref="PairedBlock"/>), in the next of a
/// cycle of orders (by default <see cref="PairedOrders.Rotations"/>: every path in every position equally often; the
/// cycle goes on across invocations), and adds the round's ratios to <see cref="PairedRatios"/> once BenchmarkDotNet's
/// jitting and warmup invocations are past.
/// </summary>
/// <param name="key">The case's key, as <see cref="PairedRatios"/> builds it.</param>
/// <param name="paths">The timed blocks, by path number.</param>
/// <param name="ratios">The round's ratios from its blocks, in the order of the case's ratio names.</param>
internal sealed class PairedRounds(string key, Action[] paths, Func<PairedBlock[], double[]> ratios)
{
    private readonly PairedBlock[] _blocks = new PairedBlock[paths.Length];
    private readonly int[][] _orders = PairedOrders.Rotations(paths.Length);
    private int _invocations;
    private int _round;

    /// <summary>
    /// The orders the rounds cycle through, each running every path once; <see cref="PairedOrders.Rotations"/> unless set
    /// (<see cref="PairedOrders.Permutations"/> so that no path always follows the same other path).
    /// </summary>
    /// <exception cref="ArgumentException">An order does not run each path exactly once (<see cref="PairedOrders.Require"/>).</exception>
    internal int[][] Orders
    {
        get => _orders;
        init => _orders = PairedOrders.Require(value, paths.Length);
    }

    /// <summary>
    /// Time each block by the wall clock alone (<see cref="PairedBlock.TimeWall"/>), for paths whose work is not done on
    /// the calling thread (child processes); the ratios can then only be <see cref="PairedBlock.WallRatio"/>.
    /// </summary>
    internal bool WallClockOnly { get; init; }

    /// <summary>Untimed work before each round (a change the round's polls all see).</summary>
    internal Action? BeforeRound { get; init; }

    /// <summary>Untimed work before each block (a fill that each drain consumes).</summary>
    internal Action? BeforeBlock { get; init; }

    /// <summary>Runs one invocation's <paramref name="rounds"/> rounds.</summary>
    /// <returns>The last round's first ratio (for BenchmarkDotNet to consume).</returns>
    internal double Run(int rounds)
    {
        bool measured = ++_invocations > PairedConfig.UnmeasuredInvocations;
        double last = 0;
        for (int r = 0; r < rounds; r++)
        {
            BeforeRound?.Invoke();
            foreach (int path in _orders[_round++ % _orders.Length])
            {
                BeforeBlock?.Invoke();
                _blocks[path] = WallClockOnly ? PairedBlock.TimeWall(paths[path]) : PairedBlock.Time(paths[path]);
            }

            double[] round = ratios(_blocks);
            last = round[0];
            if (measured)
            {
                PairedRatios.Add(key, round);
            }
        }

        return last;
    }
}
