namespace BpfChannels;

/// <summary>The result of one <see cref="MapWrite{TKey, TValue}"/>: success, or the kernel's errno for it.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <param name="Write">The write, with its key and flags.</param>
/// <param name="Error">
/// <see cref="BpfError.None"/> on success; otherwise the errno, e.g. <see cref="BpfError.AlreadyExists"/> (EEXIST, NoExist on a present key),
/// <see cref="BpfError.NotFound"/> (ENOENT, Exist or delete on a missing key), <see cref="BpfError.TooBig"/> (E2BIG, the map is full).
/// </param>
/// <remarks>An immutable value; safe to share between threads.</remarks>
public readonly record struct MapWriteOutcome<TKey, TValue>(MapWrite<TKey, TValue> Write, BpfError Error)
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>Whether the write was applied.</summary>
    public bool Succeeded => Error == BpfError.None;

    /// <summary>The positive errno, or 0 on success.</summary>
    public int Errno => (int)Error;
}
