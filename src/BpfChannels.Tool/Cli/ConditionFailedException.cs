namespace BpfChannels.Tool;

/// <summary>An update's condition failed: noexist met an existing key (EEXIST), or exist a missing one (ENOENT).</summary>
internal sealed class ConditionFailedException(string message) : Exception(message);
