using BpfChannels.Tool;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // end `watch` cleanly instead of killing the process
    stop.Cancel();
};

return await BpfChanCli.RunAsync(args, Console.Out, Console.Error, stop.Token).ConfigureAwait(false);
