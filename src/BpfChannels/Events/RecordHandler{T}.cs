namespace BpfChannels.Events;

/// <summary>Receives one record read as an unmanaged struct.</summary>
/// <typeparam name="T">The record type, laid out as the BPF program writes it.</typeparam>
/// <param name="record">The record; a reference into the shared buffer, valid only during the call.</param>
/// <remarks>Calls for one reader never overlap.</remarks>
public delegate void RecordHandler<T>(in T record)
    where T : unmanaged;
