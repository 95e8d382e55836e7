namespace BpfChannels.Tool;

/// <summary>The exit codes scripts can rely on.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>The command line is wrong (unknown command, missing or malformed argument).</summary>
    public const int Usage = 1;

    /// <summary>The map, pin or key does not exist.</summary>
    public const int NotFound = 2;

    /// <summary>The kernel refused the operation (EPERM, EINVAL, E2BIG...).</summary>
    public const int KernelError = 3;

    /// <summary>An update's condition failed: --noexist met an existing key (EEXIST) or --exist a missing one (ENOENT).</summary>
    public const int ConditionFailed = 4;
}
