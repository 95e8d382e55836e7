namespace BpfChannels.Tool;

internal static partial class BpfChanCli
{
    /// <summary>Prints the entries, then one line per change, polling at the interval until cancelled or --count changes.</summary>
    private static async Task<int> WatchAsync(Options options, TextWriter stdout, CancellationToken cancellationToken)
    {
        options.ExpectArguments(1);
        using BpfMap map = MapResolver.Open(options.Arguments[0], BpfPinAccess.ReadOnly);
        var format = new MapFormat(map.GetInfo(), options.KeyType, options.ValueType);
        var previous = new BpfMapSnapshot(map.KeySize, map.ValueBufferSize);
        var current = new BpfMapSnapshot(map.KeySize, map.ValueBufferSize);
        _ = map.ReadSnapshot(previous);
        for (int i = 0; i < previous.Count; i++)
        {
            stdout.WriteLine(EntryLine(options, format, "Added", previous.KeyAt(i), previous.ValueAt(i), default));
        }

        await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        int changes = 0;
        using var timer = new PeriodicTimer(options.Interval);
        try
        {
            while (options.Count is not { } limit || changes < limit)
            {
                _ = await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
                _ = map.ReadSnapshot(current);
                changes += Diff(options, format, previous, current, stdout);
                await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
                (previous, current) = (current, previous);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or the caller stopped the watch: a normal end.
        }

        return ExitCodes.Success;
    }

    private static int Diff(Options options, MapFormat format, BpfMapSnapshot before, BpfMapSnapshot after, TextWriter stdout)
    {
        int changes = 0;
        for (int i = 0; i < after.Count; i++)
        {
            int old = before.IndexOf(after.KeyAt(i));
            if (old < 0)
            {
                stdout.WriteLine(EntryLine(options, format, "Added", after.KeyAt(i), after.ValueAt(i), default));
                changes++;
            }
            else if (!before.ValueAt(old).SequenceEqual(after.ValueAt(i)))
            {
                stdout.WriteLine(EntryLine(options, format, "Updated", after.KeyAt(i), after.ValueAt(i), before.ValueAt(old)));
                changes++;
            }
        }

        for (int i = 0; i < before.Count; i++)
        {
            if (after.IndexOf(before.KeyAt(i)) < 0)
            {
                stdout.WriteLine(EntryLine(options, format, "Removed", before.KeyAt(i), default, before.ValueAt(i)));
                changes++;
            }
        }

        return changes;
    }
}
