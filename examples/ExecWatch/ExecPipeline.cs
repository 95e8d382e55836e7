using System.Globalization;
using System.Reactive.Subjects;
using System.Threading.Channels;
using BpfChannels;
using ExecEvent = ExecWatch.ExecWatchBpf.ExecEvent;

namespace ExecWatch;

/// <summary>
/// The pipeline: ring buffer records -> channel -> enrichment stage (parent and command line from /proc) -> channel
/// -> output. Each stage runs at its own pace; the bounded channels between them apply backpressure.
/// </summary>
public sealed class ExecPipeline : IDisposable
{
    private readonly Subject<EnrichedExec> _output = new();

    /// <summary>The enriched events, as the output stage publishes them.</summary>
    public IObservable<EnrichedExec> Output => _output;

    /// <summary>Runs the enrichment and output stages until the raw stream completes or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(ExecWatchBpf bpf, Action<EnrichedExec> write, CancellationToken cancellationToken)
    {
        // The ring buffer's record type comes from RecordTypes="events=exec_event": ExecWatchBpf.ExecEvent, generated from the BTF.
        using BpfRecordReader<ExecEvent> events = bpf.Maps.Events.OpenReader();
        ChannelReader<ExecEvent> raw = events.OpenReader(capacity: 1024, cancellationToken);
        var enriched = Channel.CreateBounded<EnrichedExec>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        Task enrich = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (ExecEvent record in raw.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                    {
                        await enriched.Writer.WriteAsync(Enrich(record), cancellationToken).ConfigureAwait(false);
                    }
                }
                finally
                {
                    enriched.Writer.TryComplete();
                }
            },
            cancellationToken);

        await foreach (EnrichedExec item in enriched.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            write(item);
            _output.OnNext(item);
        }

        await enrich.ConfigureAwait(false);
        _output.OnCompleted();
    }

    /// <summary>Adds what /proc knows about the process; a process that already exited keeps only the kernel's fields.</summary>
    public static EnrichedExec Enrich(ExecEvent record)
    {
        uint parent = 0;
        string commandLine = string.Empty;
        try
        {
            string stat = File.ReadAllText($"/proc/{record.Pid}/stat");
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so parse after the last ')'.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            parent = uint.Parse(fields[1], CultureInfo.InvariantCulture);
            commandLine = File.ReadAllText($"/proc/{record.Pid}/cmdline").Replace('\0', ' ').TrimEnd();
        }
        catch (IOException)
        {
            // Exited before we looked: the event still goes out, without what /proc would have added.
        }

        return new EnrichedExec(record.Pid, parent, record.Uid, record.CommAsString(), record.FilenameAsString(), commandLine);
    }

    /// <inheritdoc/>
    public void Dispose() => _output.Dispose();
}
