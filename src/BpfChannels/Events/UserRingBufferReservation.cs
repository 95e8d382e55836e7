namespace BpfChannels.Events;

/// <summary>
/// Space reserved in a user ring buffer. Fill <see cref="Data"/>, then hand it to
/// <see cref="UserRingBufferWriter.Submit"/> or <see cref="UserRingBufferWriter.Discard"/> exactly once.
/// </summary>
/// <remarks>
/// Until it is submitted or discarded the kernel sees the record as busy and stops draining at it, so
/// later records wait too.
/// </remarks>
public readonly unsafe ref struct UserRingBufferReservation
{
    internal UserRingBufferReservation(UserRingBufferWriter writer, byte* payload, int length)
    {
        Writer = writer;
        Payload = payload;
        Data = new Span<byte>(payload, length);
    }

    /// <summary>The reserved bytes, in the memory shared with the kernel.</summary>
    public Span<byte> Data { get; }

    internal UserRingBufferWriter? Writer { get; }

    internal byte* Payload { get; }
}
