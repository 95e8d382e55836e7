namespace BpfChannels;

/// <summary>
/// A BPF command failed in the kernel. Carries the command, the object's name, the errno and an
/// explanation of what to do about it.
/// </summary>
/// <remarks>
/// Expected outcomes (a key that is missing, a key that already exists) are reported by the
/// Try-methods returning <see langword="false"/>; this exception reports everything else.
/// </remarks>
public class BpfException : IOException
{
    /// <summary>Creates an exception with a message.</summary>
    public BpfException()
        : this("A BPF operation failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public BpfException(string message)
        : base(message)
    {
        Command = string.Empty;
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BpfException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Command = string.Empty;
    }

    /// <summary>Creates an exception for a failed command.</summary>
    /// <param name="message">The full message.</param>
    /// <param name="command">The bpf(2) command or libc/libbpf call that failed (BPF_MAP_UPDATE_ELEM...).</param>
    /// <param name="objectName">The map, program or pin the command acted on, if known.</param>
    /// <param name="errno">The errno.</param>
    public BpfException(string message, string command, string? objectName, int errno)
        : base(message)
    {
        Command = command;
        ObjectName = objectName;
        Errno = errno;
        HResult = errno;
    }

    /// <summary>The command that failed, as the kernel names it (BPF_MAP_CREATE, BPF_OBJ_PIN...).</summary>
    public string Command { get; }

    /// <summary>The name of the map, program or pin path involved, if known.</summary>
    public string? ObjectName { get; }

    /// <summary>The errno the kernel returned.</summary>
    public int Errno { get; }

    /// <summary>The errno as a <see cref="BpfError"/>.</summary>
    public BpfError Error => (BpfError)Errno;

    /// <summary>The C name of the errno (EEXIST, ENOENT, E2BIG...).</summary>
    public string ErrorName => BpfErrors.Name(Errno);
}
