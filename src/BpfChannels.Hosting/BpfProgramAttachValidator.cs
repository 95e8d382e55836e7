using Microsoft.Extensions.Options;

namespace BpfChannels.Hosting;

/// <summary>
/// Checks the attachments of one hosted BPF object (<see cref="BpfProgramAttachOptions"/>, from configuration and code)
/// against the programs it has, when the host starts, naming each entry that cannot attach and why. The generated
/// <c>Add&lt;Class&gt;()</c> registers one for its object (whose programs the bindings know before it loads); attaching
/// applies the same checks to the loaded object (<see cref="BpfProgramLinks"/>).
/// </summary>
/// <remarks>Thread-safe: it keeps nothing but what it was created with.</remarks>
public sealed class BpfProgramAttachValidator : IValidateOptions<BpfProgramAttachOptions>
{
    private readonly string _objectName;
    private readonly string _owner;
    private readonly string[] _programs;

    /// <summary>Creates a validator for the object registered as <paramref name="objectName"/>.</summary>
    /// <param name="objectName">The object's registration name (its key under <c>Objects</c>).</param>
    /// <param name="owner">What to call the object in messages, such as its file name (<c>probe.bpf.o</c>).</param>
    /// <param name="programs">The names of the object's programs.</param>
    /// <exception cref="ArgumentException"><paramref name="objectName"/> or <paramref name="owner"/> is blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="programs"/> is <see langword="null"/>.</exception>
    public BpfProgramAttachValidator(string objectName, string owner, IEnumerable<string> programs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectName);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentNullException.ThrowIfNull(programs);
        _objectName = objectName;
        _owner = owner;
        _programs = [.. programs];
    }

    /// <summary>Checks the object's attachments; skips when the options list none for it.</summary>
    /// <param name="name">The options' name (unused: the attachments are unnamed options).</param>
    /// <param name="options">The attachments.</param>
    /// <returns>Success, a failure per problem (naming the entry's configuration key, or its index in code), or skip.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public ValidateOptionsResult Validate(string? name, BpfProgramAttachOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Objects.TryGetValue(_objectName, out BpfObjectAttachOptions? mine))
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        for (int i = 0; i < mine.Attach.Count; i++)
        {
            failures.AddRange(Problems(mine.Attach[i], Where(_objectName, mine.Attach[i], i), _owner, _programs));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Where an attachment was set: its configuration key, or its place in code.</summary>
    internal static string Where(string objectName, BpfProgramAttachment attachment, int index)
        => attachment.ConfigurationPath ?? $"Objects:{objectName}:Attach (in code, entry {index.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    /// <summary>Why <paramref name="attachment"/> cannot attach a program of <paramref name="owner"/>, one message per cause (none when it can).</summary>
    /// <param name="attachment">The attachment.</param>
    /// <param name="where">Where it was set, which every message starts with.</param>
    /// <param name="owner">What to call the object.</param>
    /// <param name="programs">The object's programs.</param>
    internal static IEnumerable<string> Problems(BpfProgramAttachment attachment, string where, string owner, IReadOnlyCollection<string> programs)
    {
        string list = programs.Count == 0 ? "no programs" : string.Join(", ", programs);
        if (string.IsNullOrWhiteSpace(attachment.Program))
        {
            yield return $"{where} names no program; {owner} has: {list}.";
        }
        else if (!programs.Contains(attachment.Program, StringComparer.Ordinal))
        {
            yield return $"{where}: {owner} has no program '{attachment.Program}'; it has: {list}.";
        }

        if (attachment.Target is not null && string.IsNullOrWhiteSpace(attachment.Target))
        {
            yield return $"{where}:Target is blank; leave it out to attach where the program's section says.";
        }

        if (attachment.Target is not null && attachment.AttachWith is not null)
        {
            yield return $"{where} sets both Target and AttachWith; set one.";
        }
    }
}
