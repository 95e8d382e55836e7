using Microsoft.Extensions.Hosting;

namespace BpfChannels.Hosting;

/// <summary>Loads every registered BPF object when the host starts, so a missing or rejected object stops the start.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class BpfObjectLoaderService(BpfObjectHost objects) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = objects.Load();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
