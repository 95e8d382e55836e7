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
        var sink = new LineSink(options, format, stdout);
        return SnapshotDiff.Compare(before, after, ref sink);
    }

    /// <summary>Writes each change the shared snapshot diff finds as one line.</summary>
    private readonly struct LineSink(Options options, MapFormat format, TextWriter stdout) : ISnapshotChangeSink
    {
        public void OnChange(MapChangeKind kind, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> previous)
            => stdout.WriteLine(EntryLine(options, format, kind.ToString(), key, value, previous));
    }
}
