/**
 * The SECL field registry. Start at {@link dev.vigil.model.field.Fields}: every field an event
 * carries is declared there once, with a typed getter from {@link dev.vigil.model.field.Getters};
 * the rule compiler binds field names to these getters at load time.
 */
package dev.vigil.model.field;
