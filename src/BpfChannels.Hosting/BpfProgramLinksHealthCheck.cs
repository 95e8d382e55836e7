using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BpfChannels.Hosting;

/// <summary>Reports each configured program's link: healthy when all are attached, unhealthy when one is missing or detached.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class BpfProgramLinksHealthCheck(BpfProgramLinks links) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        IReadOnlyList<BpfAttachedProgram> attached = links.Attached;
        int missing = 0;
        foreach ((string objectName, BpfProgramAttachment attachment) in links.Configured)
        {
            BpfAttachedProgram? link = attached.FirstOrDefault(a => ReferenceEquals(a.Attachment, attachment));
            string key = $"{objectName}/{attachment}";
            for (int n = 2; data.ContainsKey(key); n++)
            {
                key = $"{objectName}/{attachment} #{n}"; // the same program attached twice (in code, with two delegates)
            }

            if (link is null || link.Link.IsDisposed)
            {
                missing++;
                data[key] = link is null ? "not attached" : $"detached: {link.Link.Description}";
            }
            else
            {
                data[key] = $"attached: {link.Link.Description}";
            }
        }

        HealthCheckResult result = missing == 0
            ? HealthCheckResult.Healthy($"{data.Count} BPF programs attached.", data)
            : new HealthCheckResult(context.Registration.FailureStatus, $"{missing} of {data.Count} BPF programs are not attached{(links.IsStarted ? string.Empty : " (the host has not started, or has stopped)")}.", data: data);
        return Task.FromResult(result);
    }
}
