using Microsoft.Extensions.Options;

namespace KernelDashboard;

/// <summary>Fails start-up on a system call the dashboard cannot parse, naming it.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        foreach (string entry in options.Watch)
        {
            if (!SyscallTable.TryParse(entry, out _))
            {
                return ValidateOptionsResult.Fail($"Dashboard:Watch has '{entry}', which is neither a system call number nor a name this dashboard knows.");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
