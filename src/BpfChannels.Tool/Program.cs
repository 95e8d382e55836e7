using System.Text;
using BpfChannels.Tool;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // end `watch` and `events` cleanly instead of killing the process
    stop.Cancel();
};

// Buffered, not Console.Out's flush per write: a dump of 100,000 entries is one stream of writes.
await using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
bool terminal = !Console.IsOutputRedirected;
return await BpfChanCli.RunAsync(args, stdout, Console.Error, stop.Token, terminal).ConfigureAwait(false);
