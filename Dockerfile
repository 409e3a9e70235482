# Build stage: every dependency, to compile the TypeScript into dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# The image: production dependencies, the sources' shipped files (views, templates, assets) and dist/.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# npm install with the committed lock file (npm ci refuses lock files without every platform's optional packages);
# no scripts: `prepare` would build, and the build stage did that.
RUN npm install --omit=dev --ignore-scripts --no-audit --no-fund
COPY . .
COPY --from=build /app/dist ./dist
ENV LONGHAND_HOST=0.0.0.0 LONGHAND_DATA_DIR=/data
VOLUME /data
EXPOSE 3000
ENTRYPOINT ["node", "bin/longhand.mjs"]
CMD ["start"]
