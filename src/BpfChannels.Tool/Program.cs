using System.Text;
using BpfChannels.Tool;

using var stop = new CancellationTokenSource();
if (Array.IndexOf(args, "watch") >= 0 || Array.IndexOf(args, "events") >= 0)
{
    // Only the streaming commands need Ctrl+C to end cleanly, and the handler costs a signal thread at start-up; the
    // others keep the default (Ctrl+C ends the process). The word elsewhere on a line costs only that thread.
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = true; // end `watch` and `events` cleanly instead of killing the process
        stop.Cancel();
    };
}

// Buffered, not Console.Out's flush per write: a dump of 100,000 entries is one stream of writes. 16K characters keep
// the buffers off the large object heap, whose zeroing showed in every short command's start-up. Flushed (and a
// failed write reported) by RunAsync; not disposed, so a failed flush is not retried at exit.
var stdout = new StreamWriter(StandardOutput.Open(), new UTF8Encoding(false), 1 << 14) { AutoFlush = false };
bool terminal = !Console.IsOutputRedirected;
using var stderr = new LazyConsoleError();
return await BpfChanCli.RunAsync(args, stdout, stderr, stop.Token, terminal).ConfigureAwait(false);
