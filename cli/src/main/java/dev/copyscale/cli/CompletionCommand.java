package dev.copyscale.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code copyscale completion bash|zsh}: the shell completion script picocli generates from the
 * commands themselves, so it never falls behind them.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    // description[0] is the one-sentence summary `copyscale --help` lists; the rest is the detail.
    description = {
      "Prints the shell completion script for bash or zsh.",
      "Load it in the running shell with `source <(copyscale completion bash)` (zsh: `source"
          + " <(copyscale completion zsh)`), or save it where the shell reads completions, for"
          + " example ~/.local/share/bash-completion/completions/copyscale. It completes"
          + " commands, options and the values they list; copyscale must be on the PATH under"
          + " that name (a script or an alias running java -jar .../copyscale.jar)."
    })
final class CompletionCommand implements Callable<Integer> {
  enum Shell {
    bash,
    zsh
  }

  @Spec CommandLine.Model.CommandSpec commandSpec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh")
  Shell shell;

  @Override
  public Integer call() {
    CommandLine root = commandSpec.root().commandLine();
    String script = AutoComplete.bash(root.getCommandName(), root);
    if (shell == Shell.zsh) {
      // picocli's script serves zsh through zsh's bash completion emulation, which it loads first.
      script =
          "#compdef copyscale\n"
              + "autoload -U +X compinit && compinit\n"
              + "autoload -U +X bashcompinit && bashcompinit\n"
              + script;
    }
    commandSpec.commandLine().getOut().print(script);
    commandSpec.commandLine().getOut().flush();
    return 0;
  }
}
