package dev.copyscale.cli.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.copyscale.catalog.Catalog;
import dev.copyscale.catalog.ModelProfile;
import org.junit.jupiter.api.Test;

class CatalogTemplatesTest {
  @Test
  void everyCatalogModelNamesAShippedTemplateThatRendersTheDefaultConversation() {
    for (ModelProfile model : Catalog.bundled().models()) {
      assertThat(ChatTemplate.builtInNames()).as(model.id()).contains(model.chatTemplate());
      assertThat(
              ChatTemplate.builtIn(model.chatTemplate()).render(ChatMessages.defaultConversation()))
          .as(model.id())
          .contains(ChatMessages.DEFAULT_QUESTION);
    }
  }
}
