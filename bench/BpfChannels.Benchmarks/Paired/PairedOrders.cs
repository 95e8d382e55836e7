namespace BpfChannels.Benchmarks.Paired;

/// <summary>
/// The orders in which <see cref="PairedRounds"/> runs its paths, one order per round, cycled: the rotations (every path
/// in every position equally often) or all permutations (that, and every path after every other path equally often).
/// </summary>
internal static class PairedOrders
{
    /// <summary>The most paths <see cref="Permutations"/> takes: 6 paths have 720 orders, more than most benchmarks' rounds.</summary>
    internal const int MaxPermutedPaths = 6;

    /// <summary>The rotating orders of <paramref name="paths"/> paths: every path runs in every position equally often over that many rounds.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="paths"/> is less than 1.</exception>
    internal static int[][] Rotations(int paths)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(paths, 1);
        var orders = new int[paths][];
        for (int r = 0; r < paths; r++)
        {
            orders[r] = new int[paths];
            for (int i = 0; i < paths; i++)
            {
                orders[r][i] = (r + i) % paths;
            }
        }

        return orders;
    }

    /// <summary>
    /// Every order of <paramref name="paths"/> paths, in lexicographic order: over that many rounds every path runs in every
    /// position equally often and right after every other path equally often, so no path's block always follows the same
    /// other path's (whose after-effects, a cache it evicted or a CPU it left busy, would then be charged to it alone).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="paths"/> is less than 1 or more than <see cref="MaxPermutedPaths"/>.</exception>
    internal static int[][] Permutations(int paths)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(paths, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(paths, MaxPermutedPaths);
        var orders = new List<int[]>();
        Permute([.. Enumerable.Range(0, paths)], 0, orders);
        return [.. orders];
    }

    /// <summary>Returns <paramref name="orders"/> if each of them runs each of <paramref name="paths"/> paths exactly once.</summary>
    /// <exception cref="ArgumentException">There are no orders, or one of them misses a path, repeats one or names one that does not exist.</exception>
    internal static int[][] Require(int[][] orders, int paths)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (orders.Length == 0)
        {
            throw new ArgumentException("A paired benchmark needs at least one order of its paths.", nameof(orders));
        }

        foreach (int[] order in orders)
        {
            if (!RunsEachOnce(order, paths))
            {
                throw new ArgumentException($"The order [{string.Join(", ", order)}] does not run each of the {paths} paths exactly once.", nameof(orders));
            }
        }

        return orders;
    }

    private static bool RunsEachOnce(int[] order, int paths)
    {
        if (order.Length != paths)
        {
            return false;
        }

        var seen = new bool[paths];
        foreach (int path in order)
        {
            if (path < 0 || path >= paths || seen[path])
            {
                return false;
            }

            seen[path] = true;
        }

        return true;
    }

    // Lexicographic: for each choice of the path at position `from`, every order of the paths after it.
    private static void Permute(List<int> rest, int from, List<int[]> orders)
    {
        if (from == rest.Count)
        {
            orders.Add([.. rest]);
            return;
        }

        for (int i = from; i < rest.Count; i++)
        {
            int chosen = rest[i];
            rest.RemoveAt(i);
            rest.Insert(from, chosen);
            Permute(rest, from + 1, orders);
            rest.RemoveAt(from);
            rest.Insert(i, chosen);
        }
    }
}
