using Microsoft.Extensions.Options;

namespace OpenSnoop;

/// <summary>Validates <see cref="OpenSnoopOptions"/> from its data annotations (source-generated, AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class OpenSnoopOptionsValidator : IValidateOptions<OpenSnoopOptions>;
