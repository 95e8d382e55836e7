namespace BpfChannels.Events;

/// <summary>Receives one record in place, straight out of the buffer shared with the kernel.</summary>
/// <param name="record">The record's bytes. Valid only during the call: the space is handed back to the kernel afterwards.</param>
/// <remarks>Calls for one reader never overlap. Do not keep the span (or a pointer into it) after returning.</remarks>
public delegate void RecordHandler(ReadOnlySpan<byte> record);
