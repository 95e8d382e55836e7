using Microsoft.Extensions.Options;

namespace Blocklist;

/// <summary>Validates <see cref="BlocklistOptions"/> from its data annotations (source-generated, AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class BlocklistOptionsValidator : IValidateOptions<BlocklistOptions>;
