namespace BpfChannels;

/// <summary>Names and explanations of <see cref="BpfError"/> values as the kernel documents them.</summary>
public static class BpfErrorExtensions
{
    /// <summary>The errno's C name, for example <c>EEXIST</c>.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The name, or <c>errno N</c> for values without one.</returns>
    public static string ToErrnoName(this BpfError error) => BpfErrors.Name((int)error);
}
