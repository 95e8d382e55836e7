using System.CommandLine;

namespace BpfChannels.Tool;

/// <summary>
/// <c>completion bash|zsh</c>: a script that asks bpfchan itself for completions through System.CommandLine's
/// <c>[suggest]</c> directive, so they always match the commands and options of the installed version.
/// </summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # bpfchan completion for bash: eval "$(bpfchan completion bash)"
        _bpfchan_complete() {
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$(bpfchan "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _bpfchan_complete bpfchan
        """;

    private const string Zsh = """
        # bpfchan completion for zsh: eval "$(bpfchan completion zsh)"
        _bpfchan_complete() {
            local -a candidates
            candidates=("${(@f)$(bpfchan "[suggest:${#BUFFER}]" "${BUFFER}" 2>/dev/null)}")
            compadd -- $candidates
        }
        compdef _bpfchan_complete bpfchan
        """;

    public static Command Build(TextWriter stdout)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print a shell completion script: eval \"$(bpfchan completion bash)\"") { shell };
        command.SetAction(parse =>
        {
            stdout.WriteLine(parse.GetValue(shell) == "zsh" ? Zsh : Bash);
            return ExitCodes.Success;
        });
        return command;
    }
}
