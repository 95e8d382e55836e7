namespace BpfChannels.Events;

/// <summary>
/// Receives records in place, as a struct: the reader's drain loop is specialised for the struct, so the
/// call is direct (and usually inlined) instead of a delegate invocation per record.
/// </summary>
/// <remarks>Calls for one reader never overlap.</remarks>
public interface IRecordHandler
{
    /// <summary>Handles one record.</summary>
    /// <param name="record">The record's bytes, valid only during the call (the space is then handed back to the kernel).</param>
    void OnRecord(ReadOnlySpan<byte> record);
}
