using Microsoft.Extensions.Options;

namespace SyscallCounter;

/// <summary>Validates <see cref="SyscallCounterOptions"/> from its data annotations (source-generated, AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class SyscallCounterOptionsValidator : IValidateOptions<SyscallCounterOptions>;
