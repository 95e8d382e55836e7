// KernelDashboard: a BPF program counts the system calls you watch; the page shows the counts live, pushed by
// server-sent events from the map channel's list-then-watch stream, and its form adds a system call with a
// NoExist write whose outcome (EEXIST as 409) shows on the page. /healthz and /metrics (Prometheus) beside it.
using BpfChannels;
using KernelDashboard;

if (!BpfSystem.CanUseBpf(out string? reason))
{
    Console.Error.WriteLine($"KernelDashboard cannot run: {reason}.");
    return 1;
}

await using WebApplication app = DashboardApp.Build(args);
await app.RunAsync().ConfigureAwait(false);
return 0;
