namespace KernelDashboard;

/// <summary>The dashboard's settings, bound from the <c>Dashboard</c> section.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>System calls (names from <see cref="SyscallTable"/> or numbers) to watch from start-up.</summary>
    public string[] Watch { get; set; } = [];
}
