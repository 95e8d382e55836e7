namespace BpfChannels.Tool;

/// <summary>A map, pin or key that the command names does not exist.</summary>
internal sealed class NotFoundException(string message) : Exception(message);
