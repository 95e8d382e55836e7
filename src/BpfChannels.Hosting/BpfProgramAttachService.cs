using Microsoft.Extensions.Hosting;

namespace BpfChannels.Hosting;

/// <summary>Attaches the configured programs when the host starts (loading the objects first) and detaches them when it stops.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class BpfProgramAttachService(BpfObjectHost objects, BpfProgramLinks links) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = objects.Load();
        links.Attach();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        links.Detach();
        return Task.CompletedTask;
    }
}
